import type { Hl7PathSpec } from '../formats/hl7v2/index.js';
import { nearestWord } from './positions.js';

/**
 * Component counts of the HL7 v2 data types a PAS message carries, the largest any version up to
 * 2.8 gives (CX has 10 components in 2.5 and 12 from 2.7: a path may use either). A path that
 * names component 44 of a CX reads nothing in every version, so it is a compile error.
 */
export const DATATYPE_COMPONENTS: Readonly<Record<string, number>> = {
  CE: 6,
  CNE: 22,
  CP: 6,
  CQ: 2,
  CWE: 22,
  CX: 12,
  DLN: 3,
  DR: 2,
  DT: 1,
  DTM: 1,
  ED: 5,
  EI: 4,
  EIP: 2,
  FC: 2,
  FN: 5,
  FT: 1,
  HD: 3,
  ID: 1,
  IS: 1,
  JCC: 3,
  MO: 2,
  MSG: 3,
  NDL: 11,
  NM: 1,
  PL: 11,
  PLN: 4,
  PRL: 3,
  PT: 2,
  RP: 4,
  SAD: 3,
  SI: 1,
  SN: 4,
  ST: 1,
  TM: 1,
  TQ: 12,
  TS: 2,
  TX: 1,
  VID: 3,
  XAD: 23,
  XCN: 25,
  XON: 10,
  XPN: 15,
  XTN: 18,
};

/**
 * Data types of the fields mappings filter or read by component (HL7 v2.5 chapters 2, 3, 7, 9,
 * 10, 11; the same in 2.3–2.8). Fields not listed (Z-segments, OBX-5) are not checked.
 */
export const FIELD_TYPES: Readonly<Record<string, string>> = {
  'MSH-3': 'HD',
  'MSH-4': 'HD',
  'MSH-5': 'HD',
  'MSH-6': 'HD',
  'MSH-7': 'TS',
  'MSH-9': 'MSG',
  'MSH-11': 'PT',
  'MSH-12': 'VID',
  'PID-2': 'CX',
  'PID-3': 'CX',
  'PID-4': 'CX',
  'PID-5': 'XPN',
  'PID-6': 'XPN',
  'PID-7': 'TS',
  'PID-9': 'XPN',
  'PID-11': 'XAD',
  'PID-13': 'XTN',
  'PID-14': 'XTN',
  'PID-18': 'CX',
  'PD1-3': 'XON',
  'PD1-4': 'XCN',
  'PV1-3': 'PL',
  'PV1-7': 'XCN',
  'PV1-8': 'XCN',
  'PV1-9': 'XCN',
  'PV1-17': 'XCN',
  'PV1-19': 'CX',
  'RF1-1': 'CE',
  'RF1-2': 'CE',
  'RF1-3': 'CE',
  'RF1-4': 'CE',
  'RF1-5': 'CE',
  'RF1-6': 'EI',
  'RF1-7': 'TS',
  'RF1-8': 'TS',
  'RF1-9': 'TS',
  'RF1-10': 'CE',
  'RF1-11': 'EI',
  'PRD-1': 'CE',
  'PRD-2': 'XPN',
  'PRD-3': 'XAD',
  'PRD-5': 'XTN',
  'SCH-1': 'EI',
  'SCH-2': 'EI',
  'SCH-6': 'CE',
  'SCH-7': 'CE',
  'AIS-3': 'CE',
  'AIS-4': 'TS',
  'TXA-4': 'TS',
  'TXA-12': 'EI',
  'OBX-3': 'CE',
  'DG1-3': 'CE',
};

/** A path problem and its 1-based column in the path text. */
export interface PathProblem {
  readonly message: string;
  readonly column: number;
}

/**
 * Pure: what a syntactically valid HL7 path gets wrong about data types — `[CX.4==NHS]` (one `=`
 * is the syntax), `[CX.44=NHS]` (CX has no component 44), `PID-3[CE.5=NH]` (PID-3 is a CX),
 * `PID-3.44`. Undefined when nothing is known to be wrong.
 */
export function hl7PathProblem(spec: Hl7PathSpec, source: string): PathProblem | undefined {
  if (spec.field === undefined) return undefined;
  const fieldId = `${spec.segment}-${spec.field}`;
  const fieldType = FIELD_TYPES[fieldId];
  const rep = spec.repetition;
  if (typeof rep === 'object') {
    const open = source.indexOf('[', source.indexOf('-'));
    if (rep.value.startsWith('=') || rep.value.startsWith('!')) {
      const at = source.indexOf('=', open) + 1;
      return {
        message: `"${source.slice(at - 1, at + 1)}" is not a filter operator: a filter is [TYPE.n=value] with one "="`,
        column: at + 1,
      };
    }
    const typeName = rep.typeName ?? fieldType;
    if (rep.typeName !== undefined && DATATYPE_COMPONENTS[rep.typeName] === undefined) {
      const near = nearestWord(rep.typeName, Object.keys(DATATYPE_COMPONENTS));
      return {
        message: `unknown HL7 data type "${rep.typeName}"${near ? ` (did you mean ${near}?)` : ''}`,
        column: open + 2,
      };
    }
    if (rep.typeName !== undefined && fieldType !== undefined && rep.typeName !== fieldType)
      return { message: `${fieldId} is a ${fieldType}, not a ${rep.typeName}`, column: open + 2 };
    const problem = componentProblem(typeName, rep.component);
    if (problem !== undefined)
      return { message: problem, column: open + 2 + (rep.typeName ? rep.typeName.length + 1 : 0) };
  }
  if (spec.component !== undefined && fieldType !== undefined) {
    const problem = componentProblem(fieldType, spec.component);
    if (problem !== undefined)
      return { message: `${fieldId}: ${problem}`, column: componentColumn(source) };
  }
  return undefined;
}

function componentProblem(typeName: string | undefined, component: number): string | undefined {
  if (typeName === undefined) return undefined;
  const count = DATATYPE_COMPONENTS[typeName];
  if (count === undefined || component <= count) return undefined;
  return `${typeName} has ${count} component${count === 1 ? '' : 's'}, not ${component}`;
}

/** 1-based column of the component number: the first "." after the field and any [..]. */
function componentColumn(source: string): number {
  const from = Math.max(source.lastIndexOf(']'), source.indexOf('-'));
  return source.indexOf('.', from) + 2;
}
