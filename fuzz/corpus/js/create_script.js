var s = document.createElement('script');
s.src = 'https://widgets.example.com/w.js';
document.head.appendChild(s);
