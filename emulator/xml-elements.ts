/**
 * Just enough XML structure to edit moto's EC2 responses in place: element names,
 * positions and nesting. Positions let edits replace a value without re-serialising, so
 * everything else in the document stays byte-for-byte as moto wrote it. Moto's XML has
 * no CDATA or comments inside elements, which keeps this small.
 */
export interface XmlElement {
  name: string;
  /** Offsets of the whole element, tags included (`<a/>` or `<a>...</a>`). */
  start: number;
  end: number;
  /** Offsets of the element's text content (between its tags); equal when empty. */
  contentStart: number;
  contentEnd: number;
  children: XmlElement[];
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g;

/** Parses the document into its root element (undefined when there is none). */
export function parseXmlElements(xml: string): XmlElement | undefined {
  const root: XmlElement = {
    name: '#document',
    start: 0,
    end: xml.length,
    contentStart: 0,
    contentEnd: xml.length,
    children: [],
  };
  const stack: XmlElement[] = [root];
  for (const match of xml.matchAll(TAG)) {
    const [tag, closing, name = '', selfClosing] = match;
    const at = match.index;
    const parent = stack[stack.length - 1];
    if (parent === undefined) return undefined;
    if (closing === '/') {
      if (parent.name !== name) return undefined; // not the XML we expect: leave it alone
      parent.contentEnd = at;
      parent.end = at + tag.length;
      stack.pop();
      continue;
    }
    const end = at + tag.length;
    const element: XmlElement = {
      name,
      start: at,
      end,
      contentStart: end,
      contentEnd: end,
      children: [],
    };
    parent.children.push(element);
    if (selfClosing !== '/') stack.push(element);
  }
  return stack.length === 1 ? root.children[0] : undefined;
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function textOf(xml: string, element: XmlElement): string {
  return xml.slice(element.contentStart, element.contentEnd);
}

export interface TextEdit {
  element: XmlElement;
  text: string;
}

/** Replaces the text content of the given elements (which must not overlap). */
export function applyTextEdits(xml: string, edits: TextEdit[]): string {
  const ordered = [...edits].sort((a, b) => b.element.contentStart - a.element.contentStart);
  let result = xml;
  for (const { element, text } of ordered) {
    result = result.slice(0, element.contentStart) + text + result.slice(element.contentEnd);
  }
  return result;
}

/** Replaces `xml.slice(start, end)` with `text`; `start === end` inserts. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies splices (which must not overlap) to the document. */
export function applySplices(xml: string, splices: Splice[]): string {
  const ordered = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = xml;
  for (const { start, end, text } of ordered)
    result = result.slice(0, start) + text + result.slice(end);
  return result;
}

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Undoes the entity escapes moto and AWS use in element text. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return named[lower] ?? '';
  });
}
