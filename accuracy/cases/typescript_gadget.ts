// A gadget written in TypeScript (compiled before it is saved on the wiki).
interface LookupResult {
	title: string;
	extract?: string;
}

type Loader = ( url: string, type?: string ) => void;

const API_BASE: string = 'https://ts.example.com/api';
const load: Loader = mw.loader.load;

enum Mode {
	Light = 'light',
	Dark = 'dark'
}

class Lookup<T extends LookupResult> {
	private readonly base: string;

	constructor( base: string ) {
		this.base = base;
	}

	public async find( title: string ): Promise<T | undefined> {
		const res: Response = await fetch( `${ this.base }/lookup?title=${ encodeURIComponent( title ) }` );
		return ( await res.json() ) as T;
	}
}

function theme( mode: Mode ): void {
	load( 'https://ts.example.net/theme-' + mode + '.css', 'text/css' );
}

const lookup = new Lookup<LookupResult>( API_BASE );
void lookup.find( mw.config.get( 'wgPageName' ) as string );
theme( Mode.Dark );

const img = document.createElement( 'img' ) as HTMLImageElement;
img.src = 'https://ts.example.org/badge.svg';
document.body.appendChild( img! );

declare const someGlobal: { fetch( u: string ): void };
someGlobal.fetch( 'https://not-a-load.example.org/x' );
