import { contentWords, levenshteinSimilarity, round3, setCosine } from '../internal/text/similarity.js';
import type { AnyTool } from './define-tool.js';
import type { McpToolReport } from './mcp-tool-report.js';
import { p95, toolStats } from './tool-stats.js';

/** Usage of one registered tool: how often it ran, failed, and how long it took. */
export interface ToolUsage {
  name: string;
  calls: number;
  /** Failed runs: invalid arguments or the tool threw. */
  errors: number;
  meanMs: number;
  /** Over the last 1024 runs. */
  p95Ms: number;
}

/** Two tools a model may confuse: their names or their descriptions nearly match. */
export interface SimilarTools {
  a: string;
  b: string;
  /** In 0..1: the larger of the name and the description similarity. */
  similarity: number;
  /** Which measure gave `similarity`: the name, the description, or the registry's custom `similarity`. */
  by: 'name' | 'description' | 'custom';
}

/** What `ToolRegistry.report()` returns: usage, unused tools, near-duplicates and the definitions' size. */
export interface ToolReport {
  tools: ToolUsage[];
  /** Registered tools that never ran. */
  unused: string[];
  /** Pairs at or above the similarity threshold, most similar first. */
  similar: SimilarTools[];
  /** Characters of the JSON tool definitions sent with every LLM call (for the chosen provider). */
  definitionChars: number;
  /** Calls to names that are not registered (a model inventing tools), by name. */
  unknown: { name: string; calls: number }[];
  /** One report per MCP client added to the registry: tools listed, called, failing, never used. */
  mcp: McpToolReport[];
}

/** Compares two tools, returning a similarity in 0..1 (for a custom, e.g. embedding-based, measure). */
export type ToolSimilarity = (a: AnyTool, b: AnyTool) => number;

/** Default `similarityThreshold`: see docs/adapters.md#tools for the pairs it does and does not catch. */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.6;

/** The usage line of one tool. */
export function toolUsage(tool: AnyTool): ToolUsage {
  const stats = toolStats(tool);
  if (stats === undefined) return { name: tool.name, calls: 0, errors: 0, meanMs: 0, p95Ms: 0 };
  return {
    name: tool.name,
    calls: stats.calls,
    errors: stats.errors,
    meanMs: round3(stats.totalMs / stats.calls),
    p95Ms: round3(p95(stats.recentMs)),
  };
}

/**
 * Every pair of tools whose similarity reaches `threshold`. The default measure is the larger of the
 * name similarity (1 − normalised Levenshtein distance of the names split into words, so `getWeather`
 * and `get_weather` match) and the description similarity (set cosine of the content words).
 */
export function similarTools(
  tools: readonly AnyTool[],
  threshold: number,
  measure?: ToolSimilarity,
): SimilarTools[] {
  const words = tools.map((tool) => contentWords(tool.description));
  const pairs: SimilarTools[] = [];
  for (let i = 0; i < tools.length; i++) {
    for (let j = i + 1; j < tools.length; j++) {
      const a = tools[i]!;
      const b = tools[j]!;
      let similarity: number;
      let by: SimilarTools['by'];
      if (measure) {
        similarity = measure(a, b);
        by = 'custom';
      } else {
        const name = levenshteinSimilarity(a.name, b.name);
        const description = setCosine(words[i]!, words[j]!);
        // Two empty descriptions are not evidence of two similar tools.
        const usable = words[i]!.size > 0 && words[j]!.size > 0 ? description : 0;
        [similarity, by] = name >= usable ? [name, 'name'] : [usable, 'description'];
      }
      if (similarity >= threshold) pairs.push({ a: a.name, b: b.name, similarity: round3(similarity), by });
    }
  }
  return pairs.sort((x, y) => y.similarity - x.similarity);
}
