var t = 'Ünïcødé 😀';
mw.loader.load('https://bücher.example/x.js');
fetch('\u0068ttps://esc.example.org/');
