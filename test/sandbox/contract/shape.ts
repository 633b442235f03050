/**
 * The "shape" of a FHIR JSON body, for holding our sandbox's answers to NHS's: every element path
 * (array positions collapsed to `[]`), with extensions named by their url and resources (root,
 * contained, Bundle entries, Parameters resources) by their resourceType, and every extension url.
 * Values are not compared: ids, times and versions differ between a state-driven simulator and
 * NHS's fixed examples.
 */
export interface Shape {
  readonly paths: ReadonlySet<string>;
  readonly extensionUrls: ReadonlySet<string>;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

export function shapeOf(body: unknown): Shape {
  const paths = new Set<string>();
  const extensionUrls = new Set<string>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) paths.add(`${path}[]`);
      for (const item of value) walk(item, `${path}[]`);
      return;
    }
    if (!isObject(value)) {
      paths.add(path);
      return;
    }
    const type = value['resourceType'];
    const here = typeof type === 'string' ? `${path}<${type}>` : path;
    const url = value['url'];
    const named =
      typeof url === 'string' && /(^|\.)(extension|modifierExtension)\[\]$/.test(here)
        ? `${here.slice(0, -2)}[${url}]`
        : here;
    if (named !== here && typeof url === 'string') extensionUrls.add(url);
    const keys = Object.keys(value).filter(
      (k) => k !== 'resourceType' && (named === here || k !== 'url'),
    );
    if (keys.length === 0) paths.add(named);
    for (const k of keys) walk(value[k], named === '' ? k : `${named}.${k}`);
  };
  walk(body, '');
  return { paths, extensionUrls };
}

/** What NHS's body has that ours lacks: element paths and extension urls. */
export function missingFrom(ours: unknown, nhs: unknown): string[] {
  const a = shapeOf(ours);
  const b = shapeOf(nhs);
  // An empty array in NHS's body asks only that ours has the element (empty or not).
  const has = (p: string): boolean =>
    a.paths.has(p) || (p.endsWith('[]') && [...a.paths].some((q) => q.startsWith(p)));
  return [
    ...[...b.paths].filter((p) => !has(p)),
    ...[...b.extensionUrls].filter((u) => !a.extensionUrls.has(u)).map((u) => `extension url ${u}`),
  ];
}
