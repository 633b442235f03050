/** Roles, lowest first: each role may do everything the ones before it may. */
export const Role = {
  viewer: 'viewer',
  operator: 'operator',
  admin: 'admin',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(Role, value);
}

/**
 * Every action the admin server guards, and the least role allowed to do it. Reading a
 * message body is allowed to viewers but always audited; anything that changes state or sends
 * patient data out of the dashboard (export, mapping tester) needs an operator.
 */
export const PERMISSIONS = {
  'channels.view': 'viewer',
  'channels.control': 'operator',
  'messages.view': 'viewer',
  'messages.body': 'viewer',
  'messages.reprocess': 'operator',
  'messages.resolve': 'operator',
  'messages.export': 'operator',
  'mapping.test': 'operator',
  'mapping.history': 'viewer',
  /** Reads stored bodies through a candidate mapping. */
  'mapping.replay': 'operator',
  /** Changes deployed configuration. */
  'mapping.rollback': 'admin',
  'audit.view': 'admin',
  'metrics.view': 'viewer',
  'health.view': 'viewer',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return RANK[role] >= RANK[PERMISSIONS[permission]];
}
