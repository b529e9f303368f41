import { z } from 'zod';

/** Token rates in USD per million tokens. */
export interface TokenRates {
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  /** Writing a 5-minute cache entry (1.25 × input on current models). */
  readonly cacheWrite5mUsdPerMTok: number;
  /** Writing a 1-hour cache entry (2 × input on current models). */
  readonly cacheWrite1hUsdPerMTok: number;
  readonly cacheReadUsdPerMTok: number;
}

/** A model's price: its rates, and for models billed by prompt length, the rates above a threshold. */
export interface ModelPrice extends TokenRates {
  readonly longPrompt?: { readonly thresholdTokens: number; readonly rates: TokenRates };
}

/**
 * The Anthropic price list, by model id, from https://platform.claude.com/docs/en/about-claude/pricing
 * (checked 2026-12-03). This file is the only place prices live; update it when the page
 * changes. A dated id (`claude-opus-4-5-20251101`) resolves to its undated entry.
 */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-2': rates(8, 40, 0.2),
  'claude-mythos-5-2': rates(8, 40, 0.2),
  'claude-fable-5-1': rates(10, 50, 0.25),
  'claude-mythos-5-1': rates(10, 50, 0.25),
  'claude-fable-5': rates(10, 50, 1),
  'claude-mythos-5': rates(10, 50, 1),
  'claude-opus-5-5': rates(4, 20, 0.2),
  'claude-opus-5': rates(5, 25, 0.5),
  'claude-opus-4-8': rates(5, 25, 0.5),
  'claude-opus-4-7': rates(5, 25, 0.5),
  'claude-opus-4-6': rates(5, 25, 0.5),
  'claude-opus-4-5': rates(5, 25, 0.5),
  // Sonnet 5.5 cache reads were cut from $0.20 to $0.10 on 2026-10-07.
  'claude-sonnet-5-5': rates(2, 10, 0.1),
  'claude-sonnet-5': rates(2, 10, 0.2),
  'claude-sonnet-4-6': rates(3, 15, 0.3),
  'claude-sonnet-4-5': rates(3, 15, 0.3),
  // Haiku 5.5 bills a whole request at 5× when its prompt exceeds 100k tokens.
  'claude-haiku-5-5': { ...rates(0.1, 0.5, 0.01), longPrompt: { thresholdTokens: 100_000, rates: rates(0.5, 2.5, 0.05) } },
  'claude-haiku-4-5': rates(1, 5, 0.1),
};

/** Token counts of one response, as the API's `usage` reports them. */
export const TokenUsage = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0).default(0),
  cacheWrite5mTokens: z.number().int().min(0).default(0),
  cacheWrite1hTokens: z.number().int().min(0).default(0),
});
export type TokenUsage = z.input<typeof TokenUsage>;

/** A priced response: the cost, and whether the model was in the table. */
export interface PricedUsage {
  readonly costUsd: number;
  /** False when the model is unknown and the dearest rates were charged instead. */
  readonly isPriceKnown: boolean;
}

/**
 * Prices one response. An unknown model is charged at the dearest rates in the table, so a
 * budget check errs towards stopping early rather than overspending.
 */
export function priceUsage(model: string, usage: TokenUsage): PricedUsage {
  const price = findPrice(model);
  const counts = TokenUsage.parse(usage);
  const promptTokens = counts.inputTokens + counts.cacheReadTokens + counts.cacheWrite5mTokens + counts.cacheWrite1hTokens;
  const base = price ?? dearestPrice();
  const tier = base.longPrompt && promptTokens > base.longPrompt.thresholdTokens ? base.longPrompt.rates : base;

  const costUsd =
    (counts.inputTokens * tier.inputUsdPerMTok +
      counts.outputTokens * tier.outputUsdPerMTok +
      counts.cacheReadTokens * tier.cacheReadUsdPerMTok +
      counts.cacheWrite5mTokens * tier.cacheWrite5mUsdPerMTok +
      counts.cacheWrite1hTokens * tier.cacheWrite1hUsdPerMTok) /
    1_000_000;
  return { costUsd, isPriceKnown: price !== undefined };
}

/** The table entry for a model id: exact, else the longest entry the id starts with at a `-`. */
export function findPrice(model: string): ModelPrice | undefined {
  if (PRICE_TABLE[model]) return PRICE_TABLE[model];
  const prefixes = Object.keys(PRICE_TABLE)
    .filter((key) => model.startsWith(`${key}-`))
    .sort((left, right) => right.length - left.length);
  return prefixes[0] === undefined ? undefined : PRICE_TABLE[prefixes[0]];
}

function dearestPrice(): ModelPrice {
  return Object.values(PRICE_TABLE).reduce((dearest, price) =>
    price.outputUsdPerMTok > dearest.outputUsdPerMTok ? price : dearest,
  );
}

function rates(inputUsdPerMTok: number, outputUsdPerMTok: number, cacheReadUsdPerMTok: number): TokenRates {
  return {
    inputUsdPerMTok,
    outputUsdPerMTok,
    cacheWrite5mUsdPerMTok: inputUsdPerMTok * 1.25,
    cacheWrite1hUsdPerMTok: inputUsdPerMTok * 2,
    cacheReadUsdPerMTok,
  };
}
