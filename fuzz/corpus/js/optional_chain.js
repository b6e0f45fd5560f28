window.mw?.loader?.load?.('https://opt.example.org/x.js');
navigator?.sendBeacon('https://b.example.org');
