import type { InventoryConfiguration } from '@aws-sdk/client-s3';
import {
  applySplices,
  child,
  escapeXml,
  parseXmlElements,
  textOf,
  unescapeXml,
  type Splice,
  type XmlElement,
} from '../xml-elements.js';

/** What moto loses of a configuration put through the test cloud. */
interface RememberedConfiguration {
  includedObjectVersions: string | undefined;
  optionalFields: string[];
}

/**
 * moto forgets a configuration's IncludedObjectVersions (always answering `All`) and
 * garbles a single optional field (split into characters). So what each
 * PutBucketInventoryConfiguration through the test cloud said is remembered, moto's Get/List
 * answers are corrected, and delivery uses it (emulator/README.md, "moto's lossy
 * configurations").
 */
export class InventoryConfigurationMemory {
  /** `bucket/id` → what the last PutBucketInventoryConfiguration through us said. */
  private readonly remembered = new Map<string, RememberedConfiguration>();

  clear(): void {
    this.remembered.clear();
  }

  remembersAny(): boolean {
    return this.remembered.size > 0;
  }

  /**
   * For a PutBucketInventoryConfiguration body: a function to call once moto has accepted
   * it, remembering what moto loses. Undefined when the body is not a configuration.
   */
  rememberOnSuccess(bucket: string, body: Buffer | undefined): (() => void) | undefined {
    if (body === undefined) return undefined;
    const xml = body.toString('utf8');
    const root = parseXmlElements(xml);
    if (root?.name !== 'InventoryConfiguration') return undefined;
    const id = child(root, 'Id');
    if (id === undefined) return undefined;
    const versions = child(root, 'IncludedObjectVersions');
    const configuration: RememberedConfiguration = {
      includedObjectVersions: versions === undefined ? undefined : text(xml, versions),
      optionalFields: (child(root, 'OptionalFields')?.children ?? [])
        .filter((field) => field.name === 'Field')
        .map((field) => text(xml, field)),
    };
    const key = memoryKey(bucket, text(xml, id));
    return () => this.remembered.set(key, configuration);
  }

  /**
   * moto's GetBucketInventoryConfiguration / ListBucketInventoryConfigurations answer
   * with IncludedObjectVersions and OptionalFields as put through the test cloud.
   */
  correctAnswer(bucket: string, xml: string): string {
    const root = parseXmlElements(xml);
    if (root === undefined) return xml;
    const configurations =
      root.name === 'InventoryConfiguration'
        ? [root]
        : root.children.filter((c) => c.name === 'InventoryConfiguration');
    const splices: Splice[] = [];
    for (const configuration of configurations) {
      const id = child(configuration, 'Id');
      if (id === undefined) continue;
      const memory = this.remembered.get(memoryKey(bucket, text(xml, id)));
      if (memory !== undefined) splices.push(...corrections(configuration, memory));
    }
    return applySplices(xml, splices);
  }

  /** The configuration moto answered, with what moto loses restored. */
  restore(
    bucket: string,
    id: string,
    configuration: InventoryConfiguration,
  ): InventoryConfiguration {
    const memory = this.remembered.get(memoryKey(bucket, id));
    if (memory !== undefined) {
      return {
        ...configuration,
        IncludedObjectVersions: memory.includedObjectVersions as 'All' | 'Current',
        OptionalFields: memory.optionalFields as InventoryConfiguration['OptionalFields'],
      };
    }
    // Put straight into moto: its IncludedObjectVersions is always `All`, whatever was put,
    // so it says nothing; and one optional field comes back split into characters.
    const fields = configuration.OptionalFields ?? [];
    return {
      ...configuration,
      IncludedObjectVersions: 'Current',
      OptionalFields:
        fields.length > 1 && fields.every((f) => f.length === 1)
          ? ([fields.join('')] as InventoryConfiguration['OptionalFields'])
          : fields,
    };
  }
}

/** The edits that make one configuration in moto's answer say what was remembered. */
function corrections(configuration: XmlElement, memory: RememberedConfiguration): Splice[] {
  const splices: Splice[] = [];
  const versions = child(configuration, 'IncludedObjectVersions');
  if (versions !== undefined && memory.includedObjectVersions !== undefined) {
    splices.push({
      start: versions.contentStart,
      end: versions.contentEnd,
      text: escapeXml(memory.includedObjectVersions),
    });
  }
  const rendered =
    memory.optionalFields.length === 0
      ? ''
      : `<OptionalFields>${memory.optionalFields.map((f) => `<Field>${escapeXml(f)}</Field>`).join('')}</OptionalFields>`;
  const fields = child(configuration, 'OptionalFields');
  if (fields !== undefined) splices.push({ start: fields.start, end: fields.end, text: rendered });
  else if (rendered !== '')
    splices.push({
      start: configuration.contentEnd,
      end: configuration.contentEnd,
      text: rendered,
    });
  return splices;
}

function text(xml: string, element: XmlElement): string {
  return unescapeXml(textOf(xml, element));
}

function memoryKey(bucket: string, id: string): string {
  return `${bucket}/${id}`;
}
