export * from './bytes.js';
export * from './sequence.js';
export * from './header-extensions.js';
export * from './packet-view.js';
export * from './header-writer.js';
export * from './rtx.js';
export * from './vp8.js';
export * from './vp9.js';
