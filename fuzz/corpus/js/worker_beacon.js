new Worker('/w/worker.js');
navigator.sendBeacon('https://beacon.example.org/log', JSON.stringify({ a: 1 }));
