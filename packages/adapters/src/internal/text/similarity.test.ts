import { describe, expect, it } from 'vitest';
import {
  contentWords,
  jaccard,
  levenshteinSimilarity,
  normalizeText,
  setCosine,
  trigrams,
} from './similarity.js';

describe('text similarity helpers', () => {
  it('normalises case, camelCase, snake/kebab case and punctuation', () => {
    expect(normalizeText('getWeather_now-PLEASE!')).toBe('get weather now please');
    expect(normalizeText('Ünïcode Straße 42')).toBe('ünïcode straße 42');
    expect(normalizeText('x'.repeat(20), 5)).toBe('xxxxx');
  });

  it('keeps content words only, singular', () => {
    expect([...contentWords('Search the orders of a customer by dates')]).toEqual([
      'search',
      'order',
      'customer',
      'date',
    ]);
    expect([...contentWords('class address')]).toEqual(['class', 'address']);
  });

  it('measures sets: Jaccard and cosine, with empty sets defined', () => {
    const a = new Set([1, 2, 3, 4]);
    const b = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(jaccard(a, b)).toBeCloseTo(2 / 11);
    expect(setCosine(a, b)).toBeCloseTo(2 / 6);
    expect(jaccard(new Set(), new Set())).toBe(1);
    expect(setCosine(new Set(), new Set())).toBe(1);
    expect(setCosine(new Set([1]), new Set())).toBe(0);
  });

  it('pads trigrams at word edges and compares names by edit distance', () => {
    expect(trigrams('ab')).toEqual(new Set([' ab', 'ab ']));
    expect(levenshteinSimilarity('get_weather', 'getWeather')).toBe(1);
    expect(levenshteinSimilarity('search_orders', 'find_orders')).toBeCloseTo(1 - 6 / 13);
    expect(levenshteinSimilarity('', '')).toBe(1);
  });
});
