"""make install: `python -m vidgen_assets.backends.pictures.library` builds the shared index of
the bundled collections once, so no video waits minutes for it."""

from tqdm import tqdm

from vidgen_assets.backends.pictures.library.backend import index_bundled

with tqdm(desc="indexing the bundled pictures", unit="picture") as bar:

    def _advance(done: float, total: float) -> None:
        bar.total = int(total)
        bar.update(int(done) - bar.n)

    print(index_bundled(progress=_advance))
