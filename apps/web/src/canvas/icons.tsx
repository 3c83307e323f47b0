/** The catalog names an icon per kind (`mail`, `clock`…); this maps the names to glyphs, with a fallback for custom kinds. */
import {
  Clock,
  Code,
  Flag,
  GitBranch,
  Hourglass,
  Mail,
  Puzzle,
  Split,
  UserPen,
  Users,
  Zap,
  type LucideIcon,
} from 'lucide-react';

const icons: Record<string, LucideIcon> = {
  users: Users,
  zap: Zap,
  code: Code,
  clock: Clock,
  hourglass: Hourglass,
  branch: GitBranch,
  split: Split,
  mail: Mail,
  'user-edit': UserPen,
  flag: Flag,
};

export function KindIcon({ name, size = 16 }: { name: string; size?: number }) {
  const Icon = icons[name] ?? Puzzle;
  return <Icon size={size} strokeWidth={2} aria-hidden />;
}
