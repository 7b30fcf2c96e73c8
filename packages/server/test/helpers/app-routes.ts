import type { FastifyInstance } from 'fastify';

/**
 * Every route of a running app as `METHOD /path`, paths in OpenAPI form (`/{account}/users/me`),
 * read from its router (printRoutes), so a test covers a new route without anyone listing it.
 */
export function appRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  // One node a line: `│   ` or four spaces per level, then `├── ` or `└── `, the path from the
  // parent, and the methods in parentheses when the node is a route.
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + match[2]!;
    parents.length = depth;
    parents.push(path);
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}
