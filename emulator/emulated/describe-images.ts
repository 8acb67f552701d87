import {
  escapeXml,
  applySplices,
  child,
  parseXmlElements,
  textOf,
  type Splice,
} from '../xml-elements.js';
import type { ImageDeprecations } from './image-deprecation.js';
import type { ImageMarkStore } from './image-marks.js';

/**
 * Adds what moto cannot know to its DescribeImages answer, per image item:
 * `<deprecationTime>` (from EnableImageDeprecation) and marketplace `<productCodes>`
 * (from image marks). Everything else stays as moto wrote it.
 */
export function decorateDescribeImages(
  xml: string,
  deprecations: ImageDeprecations,
  marks: ImageMarkStore,
): string {
  const root = parseXmlElements(xml);
  const items = child(root, 'imagesSet')?.children.filter((c) => c.name === 'item') ?? [];
  const splices: Splice[] = [];
  for (const item of items) {
    const idElement = child(item, 'imageId');
    if (idElement === undefined) continue;
    const imageId = textOf(xml, idElement);
    const at = deprecations.deprecationTime(imageId);
    if (at !== undefined) {
      const text = `<deprecationTime>${at.toISOString()}</deprecationTime>`;
      const existing = child(item, 'deprecationTime');
      splices.push(
        existing === undefined
          ? { start: item.contentEnd, end: item.contentEnd, text }
          : { start: existing.start, end: existing.end, text },
      );
    }
    const codes = marks.productCodes(imageId);
    if (codes.length > 0) {
      const entries = codes
        .map(
          (code) =>
            `<item><productCode>${escapeXml(code)}</productCode><type>marketplace</type></item>`,
        )
        .join('');
      const text = `<productCodes>${entries}</productCodes>`;
      const existing = child(item, 'productCodes');
      splices.push(
        existing === undefined
          ? { start: item.contentEnd, end: item.contentEnd, text }
          : { start: existing.start, end: existing.end, text },
      );
    }
  }
  return splices.length === 0 ? xml : applySplices(xml, splices);
}

/** The new image id in a CopyImage answer. */
export function copiedImageId(xml: string): string | undefined {
  const idElement = child(parseXmlElements(xml), 'imageId');
  return idElement === undefined ? undefined : textOf(xml, idElement);
}
