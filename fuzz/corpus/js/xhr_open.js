var xhr = new XMLHttpRequest();
xhr.open('GET', 'https://api.example.org/data', true);
xhr.send();
