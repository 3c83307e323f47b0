/**
 * The sandboxed Liquid engines. Templates are written by campaign managers and rendered in the worker, so they get
 * no file system (an empty in-memory template map, and the tags that load other templates removed), no prototype
 * access (`ownPropertyOnly`), unknown filters are errors, and parse size, render time and allocations are bounded.
 * HTML output escapes every value by default, so a customer's name can never inject markup into an email.
 */
import { Liquid } from 'liquidjs';

export type TemplateOutput = 'html' | 'text';

/** Upper bounds for one template, chosen far above any real message and far below what could stall a worker. */
export const TEMPLATE_LIMITS = {
  /** Characters of template source per parse. */
  parseLimit: 200_000,
  /** Milliseconds of rendering per field. */
  renderLimit: 250,
  /** Allocations (array/string growth) per render, in liquidjs' memory units. */
  memoryLimit: 20_000_000,
  /** Tag and output renders per field (a loop of loops stops here). */
  templateLimit: 100_000,
} as const;

/** Tags that read other templates: there is nothing to read, so they are refused at parse time with a position. */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

const engines = new Map<TemplateOutput, Liquid>();

function money(value: unknown, currency: unknown = 'CNY', locale: unknown = 'zh-CN'): string {
  const cents = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(cents)) return '';
  try {
    return new Intl.NumberFormat(String(locale), { style: 'currency', currency: String(currency) }).format(
      cents / 100,
    );
  } catch {
    return (cents / 100).toFixed(2);
  }
}

function build(output: TemplateOutput): Liquid {
  const engine = new Liquid({
    templates: {},
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: true,
    ownPropertyOnly: true,
    lenientIf: true,
    timezoneOffset: 'UTC',
    parseLimit: TEMPLATE_LIMITS.parseLimit,
    renderLimit: TEMPLATE_LIMITS.renderLimit,
    memoryLimit: TEMPLATE_LIMITS.memoryLimit,
    ...(output === 'html' ? { outputEscape: 'escape' as const } : {}),
  });
  for (const tag of FILE_TAGS) delete engine.tags[tag];
  /** `{{ steps.offer.value_cents | money: "CNY" }}` → "¥20.00": coupon values are stored in minor units. */
  engine.registerFilter('money', money);
  /** `{{ customer.first_name | or_default: "there" }}`: like `default`, but also for blank strings. */
  engine.registerFilter('or_default', (value: unknown, fallback: unknown = '') =>
    value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
      ? fallback
      : value,
  );
  return engine;
}

/** One engine per output kind, shared: parsing is pure and engines hold no per-render state. */
export function templateEngine(output: TemplateOutput): Liquid {
  let engine = engines.get(output);
  if (!engine) {
    engine = build(output);
    engines.set(output, engine);
  }
  return engine;
}
