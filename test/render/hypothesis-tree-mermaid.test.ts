import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveChromiumExecutable } from '../../src/render/chromium-executable.ts';
import { buildHypothesisTreeMermaid } from '../../src/render/hypothesis-tree-mermaid.ts';
import { escapeMermaidLabel } from '../../src/render/mermaid-label.ts';
import { MermaidRenderer, mermaidPictureConfig } from '../../src/render/mermaid-renderer.ts';
import { DiagramRenderError } from '../../src/render/render-error.ts';
import { smallRun } from '../fixtures/render/small-run.ts';
import { syntheticRun } from '../fixtures/render/synthetic-run.ts';

describe('escapeMermaidLabel', () => {
  it.each([
    ['a quote, which would end the label', 'say "hi"', 'say #quot;hi#quot;'],
    ['a hash, which would start an entity', '#12 run', '#35;12 run'],
    ['angle brackets and ampersands, read as HTML', '<b>x</b> & y', '#lt;b#gt;x#lt;/b#gt; #amp; y'],
    ['a backtick, which could close a markdown fence', '```end', '#96;#96;#96;end'],
    ['line breaks and tabs, which would break the statement', 'one\ntwo\tthree', 'one two three'],
  ])('escapes %s', (_rule, text, expected) => {
    expect(escapeMermaidLabel(text)).toBe(expected);
  });

  it('cuts long text to the limit with an ellipsis before escaping', () => {
    expect(escapeMermaidLabel('abcdefghij', 5)).toBe('abcd…');
  });
});

describe('buildHypothesisTreeMermaid', () => {
  it('colours each kind of node and marks the best path and the best node', () => {
    const text = buildHypothesisTreeMermaid(smallRun());

    expect(text).toMatch(/^flowchart LR\n/);
    expect(text).toContain('n0["#35;0 baseline<br/>step 150.0 ms<br/>unchanged pipeline"]:::improvedPath');
    expect(text).toContain('★ #35;5 decode threads');
    expect(text).toMatch(/:::improvedBest\n/);
    expect(text).toMatch(/\{\{"#35;1 headspace<br\/>step 60\.0 ms<br\/>cached batches"\}\}:::headspace/);
    expect(text).toMatch(/"#35;4 gpu decode<br\/>failed<br\/>nvjpeg decode \(OOM\)"\]:::failed/);
    expect(text).toMatch(/bigger buffer<br\/>running<br\/>buffer 2x"\]:::inFlight/);
    expect(text).toMatch(/queue size<br\/>queued<br\/>queue size 8"\]:::queued/);
    expect(text).toContain('classDef queued fill:#ffffff,stroke:#7f8c8d,color:#1c2833,stroke-dasharray:5 4');
    expect(text).toContain('n0 ==> n1');
    expect(text).toMatch(/linkStyle 0,1 stroke:#1e8449,stroke-width:4px/);
  });

  it('keeps a 1,000-experiment tree within the character budget and summarises the rest', () => {
    const text = buildHypothesisTreeMermaid(syntheticRun({ experimentCount: 1000 }));

    expect(text.length).toBeLessThanOrEqual(40_000);
    expect(text).toMatch(/s\d+\(\["\d+ more<br\/>/);
    // A hidden group shows its top single run, never calling it "best" (that is a verdict).
    expect(text).toMatch(/<br\/>top run [\d.]+ ms"\]\)/);
    expect(text).not.toMatch(/<br\/>best /);
  });

  it('summarises harder when the character budget is small', () => {
    const view = syntheticRun({ experimentCount: 1000 });
    const text = buildHypothesisTreeMermaid(view, { maxChars: 6_000 });

    expect(text.length).toBeLessThanOrEqual(6_000);
    for (const id of view.bestPath) expect(view.experiments.some((experiment) => experiment.id === id)).toBe(true);
    expect(text).toContain('★');
  });
});

// Mermaid itself is the judge of validity: a syntax error makes rendering fail.
describe('mermaid text renders in Chromium', () => {
  let renderer: MermaidRenderer;
  beforeAll(async () => {
    renderer = await MermaidRenderer.launch();
  });
  afterAll(async () => {
    await renderer?.close();
  });

  it.each([
    ['the small run with hostile names', () => buildHypothesisTreeMermaid(smallRun())],
    ['a 300-experiment run', () => buildHypothesisTreeMermaid(syntheticRun({ experimentCount: 300 }))],
    ['a 1,000-experiment run', () => buildHypothesisTreeMermaid(syntheticRun({ experimentCount: 1000 }))],
  ])('renders %s to SVG with its labels', async (_name, build) => {
    const svg = (await renderer.renderSvg(build())).toString('utf8');

    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('#0 baseline');
  });

  it('decodes escaped labels back to the original characters', async () => {
    const svg = (await renderer.renderSvg(buildHypothesisTreeMermaid(smallRun()))).toString('utf8');

    const labels = [...svg.matchAll(/<p>(.*?)<\/p>/g)].map((match) => match[1]);
    expect(labels).toContain('#3 prefetch "4" [batches]<br />step 120.0 ms<br />prefetch=4 # more &lt;b&gt;bold&lt;/b&gt; `code` &amp;…');
  });

  it('fails on a diagram with a syntax error, so the checks above can fail', async () => {
    await expect(renderer.renderSvg('flowchart LR\n  a["unclosed label] --> b\n')).rejects.toBeInstanceOf(DiagramRenderError);
  });
});

describe('mermaid text in markdown', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'render-md-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('renders through the mmdc command from a markdown file, as a summary would embed it', async () => {
    const text = buildHypothesisTreeMermaid(syntheticRun({ experimentCount: 1000 }));
    await writeFile(join(folder, 'summary.md'), ['# Run', '', '```mermaid', text.trimEnd(), '```', ''].join('\n'));
    await writeFile(join(folder, 'puppeteer.json'), JSON.stringify({ executablePath: resolveChromiumExecutable(), args: ['--no-sandbox', '--disable-dev-shm-usage'] }));
    await writeFile(join(folder, 'mermaid.json'), JSON.stringify(mermaidPictureConfig));

    const mmdc = join(process.cwd(), 'node_modules', '.bin', 'mmdc');
    const args = ['-q', '-p', 'puppeteer.json', '-c', 'mermaid.json', '-i', 'summary.md', '-o', 'out.md', '-e', 'svg'];
    const result = await execa(mmdc, args, { cwd: folder, reject: false });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await readFile(join(folder, 'out.md'), 'utf8')).toMatch(/!\[diagram\]\(\.\/out-1\.svg\)/);
  });
});
