import { join } from 'node:path';

type IniValue = string | number | boolean;

const iniValue = (value: IniValue) => (typeof value === 'boolean' ? (value ? '1' : '0') : String(value));

/**
 * One php-fpm master's configuration: a static pool of `workers` on 127.0.0.1:`port`. Settings are `php_value`,
 * not `php_admin_value`, so a script may still change them (display_errors, a save handler of its own).
 */
export const fpmConfig = (input: {
  dir: string;
  name: string;
  port: number;
  workers: number;
  env: Record<string, string>;
  ini: Record<string, IniValue>;
}): string =>
  [
    '[global]',
    `pid = ${join(input.dir, `${input.name}.pid`)}`,
    `error_log = ${join(input.dir, 'logs', `${input.name}.log`)}`,
    'daemonize = no',
    'log_level = warning',
    '',
    `[${input.name}]`,
    `listen = 127.0.0.1:${input.port}`,
    'listen.backlog = 511',
    'pm = static',
    `pm.max_children = ${input.workers}`,
    'clear_env = yes',
    'catch_workers_output = yes',
    'decorate_workers_output = no',
    ...Object.entries(input.env)
      .filter(([, value]) => value !== '')
      .map(([key, value]) => `env[${key}] = ${JSON.stringify(value)}`),
    ...Object.entries(input.ini)
      .filter(([, value]) => iniValue(value) !== '')
      .map(([key, value]) => `php_value[${key}] = ${JSON.stringify(iniValue(value))}`),
    '',
  ].join('\n');

/**
 * nginx in front of the fpm pools: one `upstream` (round robin over `fpmPorts`), the document root `root`, paths
 * with a segment starting with `_` hidden (the apps' bootstrap files). `max_fails=0`: a pool that refused one
 * connection is not taken out of the rotation.
 */
export const nginxConfig = (input: { dir: string; httpPort: number; fpmPorts: number[]; root: string }) => {
  const tmp = join(input.dir, 'nginx-tmp');
  return `user root;
worker_processes 1;
pid ${join(input.dir, 'nginx.pid')};
error_log ${join(input.dir, 'logs', 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body;
  fastcgi_temp_path ${tmp}/fastcgi;
  proxy_temp_path ${tmp}/proxy;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  keepalive_timeout 30;
  # Static files (test pages, bundles): module scripts need a JavaScript MIME type.
  types {
    text/html html;
    text/javascript js mjs;
    application/json json map;
    text/css css;
    image/png png;
  }
  default_type application/octet-stream;
  upstream php {
${input.fpmPorts.map((port) => `    server 127.0.0.1:${port} max_fails=0;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${input.httpPort} backlog=511;
    root ${input.root};
    index index.php;
    location ~ /_ { return 404; }
    location ~ \\.php$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_read_timeout 60s;
      fastcgi_pass php;
    }
  }
}
`;
};
