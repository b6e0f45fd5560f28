mw.loader.load('//fonts.example.com/css?family=Open+Sans', 'text/css');
