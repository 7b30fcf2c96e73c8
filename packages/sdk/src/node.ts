/** Node entry point: everything in the main entry, plus storage that needs node:fs. */
export * from './index.js';
export { fileStorage } from './file-storage.js';
