"""Quiz data: the file format, safe loading, validation and grading (no UI imports)."""

from ketatraining.quiz.grading import AttemptScore, Grade, grade, score_quiz
from ketatraining.quiz.loading import check_file, find_quiz_path, load_quiz, validate_paths
from ketatraining.quiz.model import SCHEMA_VERSION, Question, Quiz
from ketatraining.quiz.problems import Problem

__all__ = [
    "SCHEMA_VERSION",
    "AttemptScore",
    "Grade",
    "Problem",
    "Question",
    "Quiz",
    "check_file",
    "find_quiz_path",
    "grade",
    "load_quiz",
    "score_quiz",
    "validate_paths",
]
