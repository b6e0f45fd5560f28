$('<script>', { src: 'https://cdn.example.net/x.js' }).appendTo('head');
$('<img>').attr('src', 'https://img.example.net/y.png');
