/** Where a section of an index file's base part lies (from its header), for tests that damage one on purpose. */
export function sectionStart(file: Buffer, name: 'rows' | 'offsets' | 'crcs' | 'keyword' | 'quantized' | 'vectors' | 'payloads'): number {
  const header = JSON.parse(file.subarray(16, 16 + file.readUInt32LE(8)).toString('utf8')) as { sections: Record<string, [number, number, number]>; end: number };
  return header.sections[name]![0];
}

/** Where the base part ends and appended segments begin. */
export function baseEnd(file: Buffer): number {
  return (JSON.parse(file.subarray(16, 16 + file.readUInt32LE(8)).toString('utf8')) as { end: number }).end;
}
