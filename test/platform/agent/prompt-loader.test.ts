import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PromptTemplateError } from '../../../src/platform/agent/agent-errors.ts';
import { DEFAULT_PROMPTS_DIR, loadKnowledge, placeholdersOf, renderPrompt } from '../../../src/platform/agent/prompt-loader.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/agent/prompts/', import.meta.url));

describe('renderPrompt', () => {
  it('fills every occurrence of each placeholder', async () => {
    expect(await renderPrompt('greet', { NAME: 'Ada', TOPIC: 'GIL' }, fixtures)).toBe('Hello Ada, see Ada and GIL.\n');
  });

  it('never scans a value for placeholders', async () => {
    expect(await renderPrompt('greet', { NAME: '{{TOPIC}}', TOPIC: 'x' }, fixtures)).toBe('Hello {{TOPIC}}, see {{TOPIC}} and x.\n');
  });

  it('names the expected file when a template is missing', async () => {
    const failure = renderPrompt('nope', {}, fixtures);
    await expect(failure).rejects.toBeInstanceOf(PromptTemplateError);
    await expect(failure).rejects.toThrow(`Prompt template "nope" not found: expected the file ${fixtures}nope.md.`);
  });

  it('names each unfilled placeholder', async () => {
    await expect(renderPrompt('greet', { NAME: 'Ada' }, fixtures)).rejects.toThrow('Template greet.md has unfilled placeholder(s): TOPIC. Supply a value for each.');
  });

  it('rejects a value that names no placeholder', async () => {
    await expect(renderPrompt('greet', { NAME: 'a', TOPIC: 'b', TOPIK: 'c' }, fixtures)).rejects.toThrow('Template greet.md has no placeholder for: TOPIK.');
  });
});

describe('placeholdersOf', () => {
  it('lists each placeholder once, in order, ignoring lower-case braces', () => {
    expect(placeholdersOf('{{B}} {{A_1}} {{B}} {{lower}} {x}')).toEqual(['B', 'A_1']);
  });
});

describe('loadKnowledge', () => {
  it('joins the markdown files sorted by name', async () => {
    expect(await loadKnowledge(fixtures)).toBe('## A topic\n\n## B topic');
  });

  it('fails clearly when there is no knowledge', async () => {
    await expect(loadKnowledge('/nonexistent')).rejects.toThrow('No knowledge files found: expected markdown files in /nonexistent/knowledge.');
  });

  it('covers the data-loading topics in the project knowledge base', async () => {
    const knowledge = await loadKnowledge(DEFAULT_PROMPTS_DIR);
    for (const topic of ['Headspace', 'GIL', 'below the default', 'Prefetch', 'Batch size', 'Splitting stages', 'Garbage-collection', 'occupancy']) {
      expect(knowledge).toContain(topic);
    }
  });
});
