"""Count the words of a sentence given as a param."""

import json
import os

params = json.loads(os.environ.get("SIDE_EXECUTION_PARAMS", "{}"))
sentence = params.get("sentence", "")
words = sentence.split()
print(f"{len(words)} words in: {sentence!r}")
for index, word in enumerate(words, 1):
    print(f"{index:>3}  {word}")
