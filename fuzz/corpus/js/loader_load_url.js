mw.loader.load('https://tools.example.org/gadget.js');
