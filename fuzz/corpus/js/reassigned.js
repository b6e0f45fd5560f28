var u = 'https://a.example.org/';
u = u + 'x.js';
mw.loader.load(u);
