<?php
// The worker's process id (?master=1: its php-fpm master's), to tell the pools apart. No session.
header('Content-Type: text/plain');
echo ($_GET['master'] ?? '') === '1' ? (string) posix_getppid() : (string) getmypid();
