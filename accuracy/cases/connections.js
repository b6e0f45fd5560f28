// Sockets, streams, beacons, workers.
var ws = new WebSocket( 'wss://live.example.com/socket' );
ws.onmessage = function () {};

var ws2 = new window.WebSocket( 'ws://live.example.com:8080/plain' );

var es = new EventSource( 'https://stream.wikimedia.org/v2/stream/recentchange' );
var es2 = new EventSource( 'https://events.example.net/feed', { withCredentials: true } );

navigator.sendBeacon( 'https://beacon.example.net/hit', JSON.stringify( { p: 1 } ) );
window.navigator.sendBeacon( '/beacon/event', 'x' );

var w = new Worker( '/w/index.php?title=MediaWiki:Gadget-worker.js&action=raw&ctype=text/javascript' );
var sw = new SharedWorker( 'https://workers.example.org/shared.js' );

// A worker from a blob: no network load.
var blob = new Blob( [ 'onmessage = function () {};' ], { type: 'text/javascript' } );
var w2 = new Worker( URL.createObjectURL( blob ) );

w.postMessage( 1 );
sw.port.start();
w2.postMessage( es, es2, ws2 );
