import { SpecError } from '../../../lib/errors';
import { MAX_PIPELINE_SPEC_BYTES, parsePipelineYaml } from '../../../pipelines';

const VALID = 'name: safe\ndataset:\n  source: idx:///d\nbase: { architecture: small-cnn }\nmode: retrain\n';

function problemsOf(text: string, file = 'unsafe.yaml'): readonly string[] {
  try {
    parsePipelineYaml(text, file);
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    expect(err.message).toContain(file);
    return err.problems;
  }
  throw new Error('expected a SpecError');
}

describe('YAML parsing safety', () => {
  it('parses the valid baseline', () => {
    expect(parsePipelineYaml(VALID, 'safe.yaml').name).toBe('safe');
  });

  it('rejects an alias bomb ("billion laughs") without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    const problems = problemsOf(`${VALID}${levels.join('\n')}\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(problems).toEqual([expect.stringMatching(/^yaml: aliases expand too much/)]);
  });

  it('rejects a document over the size cap before parsing it', () => {
    const huge = `${VALID}# ${'x'.repeat(MAX_PIPELINE_SPEC_BYTES)}\n`;
    expect(problemsOf(huge, 'huge.yaml')).toEqual([expect.stringMatching(/^\(top level\): is \d+ bytes; a pipeline spec may be at most 1048576 bytes/)]);
  });

  it('rejects duplicate keys with their position', () => {
    expect(problemsOf(`${VALID}name: again\n`)).toEqual(['yaml (6:1): Map keys must be unique']);
  });

  it('rejects a second YAML document', () => {
    expect(problemsOf(`${VALID}---\nname: other\n`)).toEqual(['yaml (7:1): a pipeline file holds one YAML document, found 2']);
  });

  it('rejects an empty file and broken syntax', () => {
    expect(problemsOf('# only a comment\n')).toEqual([expect.stringContaining('has no YAML document')]);
    expect(problemsOf('name: [unclosed\n')[0]).toMatch(/^yaml \(\d+:\d+\): /);
  });

  it('rejects unknown tags instead of silently reading them as strings', () => {
    expect(problemsOf(VALID.replace('name: safe', 'name: !secret safe'))).toEqual([expect.stringMatching(/^yaml \(1:7\): Unresolved tag: !secret/)]);
  });

  it('does not let __proto__ keys through', () => {
    expect(problemsOf(`${VALID}__proto__: { polluted: true }\n`)).toEqual(['__proto__ (6:1): unknown key; allowed keys: name, dataset, augment, base, mode, head, train, fineTune, evaluate, schedule, queues, cache']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
