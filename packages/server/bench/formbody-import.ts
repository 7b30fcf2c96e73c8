// `node --import <this file>`: a server whose form parser is @fastify/formbody's (formbody-hooks.ts).
import { register } from 'node:module';

register('./formbody-hooks.js', import.meta.url);
