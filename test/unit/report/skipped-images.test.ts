import { renderReport, type ReportInput } from '../../../lib/report';

const minimal: ReportInput = {
  pipeline: 'p', runId: 'r', specHash: 'h', datasetFingerprint: 'd', classNames: ['a', 'b'],
  stages: [{ name: 'ingest', status: 'computed', seconds: 1 }],
};

describe('the report on images left out under onBadImage: skip', () => {
  it('says how many, and names the first few with their reasons, escaped', () => {
    const html = renderReport({
      ...minimal,
      skippedImages: { count: 6, first: ['/d/a/<b>.png: cannot decode image (Invalid PNG)', '/d/b/c.jpg: empty file, not an image'] },
    });
    expect(html).toContain('<h2>Skipped images</h2>');
    expect(html).toMatch(/<p id="skipped-images" data-count="6">6 unreadable image\(s\) were left out/);
    expect(html).toContain('<li>/d/a/&#60;b&#62;.png: cannot decode image (Invalid PNG)</li>');
    expect(html).toContain('<li>/d/b/c.jpg: empty file, not an image</li>');
    expect(html).toContain('… and 4 more');
    expect(html).not.toContain('<b>.png');
  });

  it('has no such section when nothing was skipped', () => {
    expect(renderReport(minimal)).not.toContain('skipped-images');
    expect(renderReport({ ...minimal, skippedImages: { count: 0, first: [] } })).not.toContain('skipped-images');
  });
});
