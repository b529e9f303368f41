import { describe, expect, it } from 'vitest';
import { findPrice, priceUsage, PRICE_TABLE } from '../../../../src/platform/agent/cost/price-table.ts';

describe('priceUsage', () => {
  it('prices input, output, cache reads and both cache-write lifetimes', () => {
    const priced = priceUsage('claude-opus-4-5', { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 1_000_000, cacheWrite5mTokens: 1_000_000, cacheWrite1hTokens: 1_000_000 });
    // $5 input + $25 output + $0.50 cache read + $6.25 (5m write) + $10 (1h write)
    expect(priced).toEqual({ costUsd: 46.75, isPriceKnown: true });
  });

  it('resolves a dated model id to its undated entry, preferring the longest match', () => {
    expect(findPrice('claude-sonnet-5-5-20260928')).toBe(PRICE_TABLE['claude-sonnet-5-5']);
    expect(findPrice('claude-sonnet-5-20260101')).toBe(PRICE_TABLE['claude-sonnet-5']);
    expect(findPrice('claude-sonnet-50')).toBeUndefined();
  });

  it('bills a long Haiku 5.5 prompt at the higher tier', () => {
    expect(priceUsage('claude-haiku-5-5', { inputTokens: 100_000, outputTokens: 0 }).costUsd).toBeCloseTo(0.01, 10);
    expect(priceUsage('claude-haiku-5-5', { inputTokens: 100_001, outputTokens: 0 }).costUsd).toBeCloseTo(0.0500005, 10);
  });

  it('charges an unknown model at the dearest rates, so budgets err towards stopping', () => {
    const priced = priceUsage('claude-unknown-9', { inputTokens: 1_000_000, outputTokens: 0 });
    expect(priced).toEqual({ costUsd: 10, isPriceKnown: false });
  });
});
