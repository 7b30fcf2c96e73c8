import type { Store } from '../../store/store.js';
import type { MeshStore } from '../meshes/store.js';

/**
 * The meshes port of a store, once the store has one (the meshes module is built alongside this
 * one): until then an account holds no documents, and every projection runs over none.
 */
export function meshDocumentsOf(store: Store): Pick<MeshStore, 'search'> | undefined {
  return (store as Store & { meshes?: MeshStore }).meshes;
}
