/**
 * One registry of keyboard actions: the canvas listens once and looks the key up here; the help overlay and
 * button tooltips read the same list, so a shortcut is declared exactly once.
 */
export type EditorCommand =
  | 'delete'
  | 'undo'
  | 'redo'
  | 'copy'
  | 'copyBranch'
  | 'paste'
  | 'duplicate'
  | 'selectUp'
  | 'selectDown'
  | 'selectLeft'
  | 'selectRight'
  | 'deselect'
  | 'openStep';

export interface KeyCombo {
  key: string;
  /** Ctrl on Windows/Linux, Cmd on macOS. */
  mod?: boolean;
  shift?: boolean;
}

export interface ShortcutDefinition {
  command: EditorCommand;
  label: string;
  combos: KeyCombo[];
}

export const shortcuts: readonly ShortcutDefinition[] = [
  { command: 'delete', label: 'Delete step', combos: [{ key: 'Delete' }, { key: 'Backspace' }] },
  { command: 'undo', label: 'Undo', combos: [{ key: 'z', mod: true }] },
  {
    command: 'redo',
    label: 'Redo',
    combos: [
      { key: 'z', mod: true, shift: true },
      { key: 'y', mod: true },
    ],
  },
  { command: 'copy', label: 'Copy step', combos: [{ key: 'c', mod: true }] },
  {
    command: 'copyBranch',
    label: 'Copy step and everything below',
    combos: [{ key: 'c', mod: true, shift: true }],
  },
  { command: 'paste', label: 'Paste after the selected step', combos: [{ key: 'v', mod: true }] },
  { command: 'duplicate', label: 'Duplicate step', combos: [{ key: 'd', mod: true }] },
  { command: 'selectUp', label: 'Previous step', combos: [{ key: 'ArrowUp' }] },
  { command: 'selectDown', label: 'Next step', combos: [{ key: 'ArrowDown' }] },
  { command: 'selectLeft', label: 'Step to the left', combos: [{ key: 'ArrowLeft' }] },
  { command: 'selectRight', label: 'Step to the right', combos: [{ key: 'ArrowRight' }] },
  { command: 'deselect', label: 'Deselect', combos: [{ key: 'Escape' }] },
  { command: 'openStep', label: 'Open the focused step’s form', combos: [{ key: 'Enter' }, { key: ' ' }] },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function commandFor(
  press: KeyPress,
  registry: readonly ShortcutDefinition[] = shortcuts,
): EditorCommand | undefined {
  if (press.altKey) return undefined;
  const mod = press.ctrlKey || press.metaKey;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  for (const def of registry) {
    for (const combo of def.combos) {
      if (combo.key === key && Boolean(combo.mod) === mod && Boolean(combo.shift) === press.shiftKey)
        return def.command;
    }
  }
  return undefined;
}

export function formatCombo(combo: KeyCombo, mac: boolean): string {
  const parts = [
    combo.mod ? (mac ? '⌘' : 'Ctrl') : '',
    combo.shift ? (mac ? '⇧' : 'Shift') : '',
    combo.key.length === 1 ? combo.key.toUpperCase() : combo.key,
  ];
  return parts.filter(Boolean).join(mac ? '' : '+');
}
