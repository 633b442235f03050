import type { Response } from 'express';
import { principalOf } from '../context.js';
import { page, type PageOptions } from '../views/layout.js';
import { confirmBody } from '../views/live.js';

/** Sends a dashboard page to the signed-in user (the principal the auth middleware put on `res`). */
export function renderPage(res: Response, options: Omit<PageOptions, 'principal'>): void {
  res.type('html').send(page({ ...options, principal: principalOf(res) }));
}

/**
 * Sends the confirmation page of a form that needs a second click: the page browsers without
 * the script's dialog (no JavaScript) get.
 */
export function renderConfirm(
  res: Response,
  options: {
    readonly title: string;
    readonly section: NonNullable<PageOptions['section']>;
    readonly confirm: Omit<Parameters<typeof confirmBody>[0], 'principal'>;
  },
): void {
  renderPage(res, {
    title: options.title,
    section: options.section,
    body: confirmBody({ ...options.confirm, principal: principalOf(res) }),
  });
}
