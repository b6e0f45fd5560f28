var a = 1 +;
mw.loader.load('https://x.example.org/b.js');
fetch(`https://y.example.org/${a}`);
