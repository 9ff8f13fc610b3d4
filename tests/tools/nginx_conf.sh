#!/usr/bin/env bash
# nginx_conf.sh — the nginx in front of `tenure serve` replicas that
# tests/integration/test_replicas.sh and bench/replicas.sh start: unprivileged,
# every file under DIR, listening on 127.0.0.1:PORT, keeping KEEPALIVE idle
# connections to the upstreams, and sending a request that a replica refused
# (its listener closed), dropped or answered 503 to another one. Prints the
# configuration.
#
#   nginx_conf.sh DIR PORT WORKERS KEEPALIVE ACCESS_LOG HOST:PORT…
#
# ACCESS_LOG is "off", or a file that gets a line per request: its status, the
# upstreams it went to and their statuses.
set -eu
dir=$1 port=$2 workers=$3 keepalive=$4 access_log=$5
shift 5
# as root, the workers would otherwise run as nobody, shut out of DIR
if [[ $(id -u) -eq 0 ]]; then echo "user root;"; fi
if [[ $access_log == off ]]; then
    access="access_log off;"
else
    access="log_format upstreams '\$status \$upstream_addr \$upstream_status';
    access_log $access_log upstreams;"
fi
servers=""
for host in "$@"; do servers+="server $host; "; done
cat <<CONF
worker_processes $workers;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
    $access
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    upstream tenure { $servers keepalive $keepalive; }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://tenure;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # every route of the API is free of side effects (a POST computes an
            # answer and changes nothing), so nginx may retry any request elsewhere
            proxy_next_upstream error timeout http_503 non_idempotent;
        }
    }
}
CONF
