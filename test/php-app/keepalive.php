<?php
// Keepalive ping: touches the session (read_and_close still updates its timestamp) and answers 204.
// ?protocol=0|1 as everywhere; the protocol headers carry the new TTL.
require __DIR__ . '/_bootstrap.php';
app_start(['read_and_close' => true]);
http_response_code(204);
