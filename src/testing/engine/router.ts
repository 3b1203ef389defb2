import type { Php } from './php-script.js';

/** A route script: a small PHP script. Return a Response, a string (text/html), or any value (JSON). */
export type RouteScript = (php: Php) => unknown;

interface Route {
  method: string;
  segments: string[];
  script: RouteScript;
}

export interface RouteMatch {
  script: RouteScript;
  params: Record<string, string>;
}

/** Routes by method (`'*'` for any; HEAD is served by GET routes) and pathname: exact, or with `:name` segments. First match wins. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, script: RouteScript): void {
    this.routes.push({ method: method.toUpperCase(), segments: path.split('/'), script });
  }

  match(method: string, pathname: string): RouteMatch | null {
    const parts = pathname.split('/');
    for (const route of this.routes) {
      const wanted = method.toUpperCase();
      const methodMatches =
        route.method === '*' || route.method === wanted || (wanted === 'HEAD' && route.method === 'GET');
      if (!methodMatches) continue;
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matches = route.segments.every((segment, i) => {
        const part = parts[i]!;
        if (segment.startsWith(':') && part !== '') {
          params[segment.slice(1)] = decodeURIComponent(part);
          return true;
        }
        return segment === part;
      });
      if (matches) return { script: route.script, params };
    }
    return null;
  }
}
