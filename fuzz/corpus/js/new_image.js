var img = new Image();
img.src = 'https://pixel.example.com/p.gif?u=' + mw.config.get('wgUserName');
