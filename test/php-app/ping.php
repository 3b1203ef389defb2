<?php
// Health check: no session.
header('Content-Type: text/plain');
echo 'ok';
