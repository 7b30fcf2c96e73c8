import type { Action } from '../../http/access.js';

export type { Action };

/** A role of an account. Times are epoch milliseconds. */
export interface Role {
  id: string;
  accountId: string;
  /** Alpha characters only; unique per account regardless of case. */
  name: string;
  description: string | null;
  createdAt: number;
}

/** What a role may do with one permissible (`meshes`, `meshes.person`, `users`, ...). */
export interface Permission {
  id: string;
  accountId: string;
  roleId: string;
  permissibleName: string;
  create: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
}

/** A permission without its identity: what the permission check reads. */
export type Grant = Pick<Permission, 'permissibleName' | Action>;

/** A page of results and how many there are in all. */
export interface Page<T> {
  results: T[];
  totalRecords: number;
}

export interface PageRequest {
  /** From 1. */
  page: number;
  pageSize: number;
}
