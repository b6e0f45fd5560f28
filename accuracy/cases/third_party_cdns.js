// Public CDNs and well-known services.
mw.loader.load( 'https://cdnjs.cloudflare.com/ajax/libs/lodash.js/4.17.21/lodash.min.js' );
mw.loader.load( 'https://cdn.jsdelivr.net/npm/chart.js@4' );
mw.loader.load( 'https://unpkg.com/leaflet@1.9.4/dist/leaflet.css', 'text/css' );
$.getScript( 'https://code.jquery.com/ui/1.13.2/jquery-ui.min.js' );
mw.loader.load( 'https://fonts.googleapis.com/css2?family=Noto+Sans&display=swap', 'text/css' );
$.getScript( 'https://translate.google.com/translate_a/element.js?cb=googleTranslateElementInit' );
$.ajax( { url: 'https://translate.yandex.net/api/v1.5/tr.json/translate', type: 'POST' } );
mw.loader.load( 'https://www.googletagmanager.com/gtag/js?id=G-EXAMPLE' );
mw.loader.load( 'https://raw.githubusercontent.com/example/repo/main/gadget.js' );
mw.loader.load( 'https://example.github.io/tool/tool.js' );
