"""Small documents the tests write where they need a source that is quick to narrate."""

NOTE = """# Rock pools at low tide

When the sea goes out, water stays behind in hollows of the rock. These rock pools are home to
crabs, anemones and small fish that must survive heat and salt until the tide returns.

Shore crabs hide under weed during the day. They come out to feed when the water covers them again.
"""
