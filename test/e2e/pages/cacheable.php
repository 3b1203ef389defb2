<?php
// A response any cache may keep for 10 minutes: counts the hits per ?key= in a file, so a test can tell a
// response the script produced from one a cache served. No session.
$key = preg_replace('/[^a-z0-9-]/i', '', (string) ($_GET['key'] ?? 'default'));
// Outside the document root, in the site's temp dir (removed with it).
$file = dirname(__DIR__, 2) . "/hits-$key";
$fp = fopen($file, 'c+');
flock($fp, LOCK_EX);
$hits = (int) stream_get_contents($fp) + 1;
ftruncate($fp, 0);
rewind($fp);
fwrite($fp, (string) $hits);
flock($fp, LOCK_UN);
fclose($fp);
header('Cache-Control: public, max-age=600');
header('Content-Type: application/json');
echo json_encode(['hits' => $hits]);
