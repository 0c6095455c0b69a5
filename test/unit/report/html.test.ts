import { renderReport, type ReportInput } from '../../../lib/report';
import { sampleReport } from './fixtures';

const minimal: ReportInput = {
  pipeline: 'p',
  runId: 'r',
  specHash: 'h',
  datasetFingerprint: 'd',
  classNames: ['a', 'b'],
  stages: [{ name: 'ingest', status: 'computed', seconds: 1 }],
};

describe('renderReport', () => {
  it('escapes every user string', () => {
    const html = renderReport({
      ...minimal,
      pipeline: '<script>alert(1)</script>',
      runId: '"><img src=x>',
      stages: [{ name: "o'neil & <co>", status: 'cached', seconds: 0, note: '</td><td>' }],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</td><td></td>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('o&#39;neil &#38; &#60;co&#62;');
  });

  it('is self-contained: no external URL in any src or href, and a CSP that forbids fetching', () => {
    const html = renderReport(sampleReport(), { confusion: '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>' });
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<link|<script/i);
  });

  it('leaves out optional sections and says when plots are absent', () => {
    const html = renderReport(minimal);
    expect(html).not.toContain('id="comparison"');
    expect(html).not.toContain('id="champion"');
    expect(html).toContain('No evaluation in this run.');
    expect(html).toContain('Plot no training history.');
  });

  it('says which way a champion/challenger decision went', () => {
    const kept = renderReport({
      ...minimal,
      champion: { champion: { name: 'm@1', accuracy: 0.9 }, challenger: { name: 'm@2', accuracy: 0.85 }, outcome: 'kept' },
    });
    expect(kept).toContain('data-outcome="kept"');
    expect(kept).toMatch(/Champion <b>m@1<\/b> \(90\.00%\) stays/);
  });

  it('shows both accuracies’ test image count, the difference and the margin of a champion/challenger decision', () => {
    const html = renderReport({
      ...minimal,
      champion: { champion: { name: 'm@1', accuracy: 0.85 }, challenger: { name: 'm@2', accuracy: 0.9 }, outcome: 'promoted', testImages: 600, margin: 0.0244 },
    });
    expect(html).toContain('<dt>Test images (both models)</dt><dd>600</dd>');
    expect(html).toContain('<dt>Difference</dt><dd>+5.00 points</dd>');
    expect(html).toContain('<dt>Margin to beat</dt><dd>2.44 points</dd>');
  });

  it.each([
    ['a script', '<svg><script>alert(1)</script></svg>'],
    ['an event handler', '<svg onload="alert(1)"></svg>'],
    ['an external image', '<svg><image href="https://x.test/a.png"/></svg>'],
    ['a link', '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'],
    ['not an SVG', '<div></div>'],
  ])('refuses to inline an SVG with %s', (_what, svg) => {
    expect(() => renderReport(minimal, { learningCurves: svg })).toThrow(/refusing to inline/);
  });

  it('inlines an SVG whose text merely mentions markup', () => {
    const svg = '<svg><text aria-label="x onerror=y">&lt;img src=x onerror=y&gt;</text></svg>';
    expect(renderReport(minimal, { learningCurves: svg })).toContain(svg);
  });
});
