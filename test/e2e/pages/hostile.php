<?php
// Answers with markup where the overlay shows text. ?kind=
//   header: an Age header, an X-Debug-Token-Link and an X-Session-Fp holding an <img onerror> (JSON body)
//   body:   a JSON answer with a PHP warning in front whose message holds an (entity-encoded) <img onerror>
//   json:   a clean JSON answer whose values hold an <img onerror>
require __DIR__ . '/../_bootstrap.php';
app_start();
$img = '<img src=x onerror=window.__pwned=1>';
$kind = $_GET['kind'] ?? 'json';
header('Content-Type: application/json');
if ($kind === 'header') {
    header('Age: ' . $img);
    header('X-Debug-Token-Link: http://127.0.0.1/' . $img);
    header('X-Session-Fp: ' . $img);
    echo json_encode(['kind' => 'header']);
} elseif ($kind === 'body') {
    echo "<br />\n<b>Warning</b>:  Undefined variable " . htmlspecialchars($img) . " in <b>/var/www/hostile.php</b> on line <b>12</b><br />\n";
    echo json_encode(['kind' => 'body']);
} else {
    echo json_encode(['kind' => 'json', 'name' => $img, $img => $img]);
}
