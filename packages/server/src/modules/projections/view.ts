import type { Projection } from './types.js';

/** A definition as GET /projections answers it (the account and times stay inside). */
export function projectionView(projection: Projection) {
  return { id: projection.id, name: projection.name, mesh: projection.mesh, description: projection.description, pipeline: [...projection.pipeline] };
}
