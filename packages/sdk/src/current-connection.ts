import type { MeshyConnection } from './meshy-connection.js';

/**
 * The process-wide (or page-wide) connection of MeshyDB's SDK, `MeshyClient.currentConnection`.
 * Kept here so that the client sets it and a connection can clear it without importing each other.
 */
let current: MeshyConnection | null = null;

export function getCurrentConnection(): MeshyConnection | null {
  return current;
}

export function setCurrentConnection(connection: MeshyConnection | null): void {
  current = connection;
}

/** Clears it only if it is still `connection`. */
export function clearCurrentConnection(connection: MeshyConnection): void {
  if (current === connection) current = null;
}
