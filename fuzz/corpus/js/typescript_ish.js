const url: string = 'https://ts.example.org/a.js';
mw.loader.load(url);
