<?php
// Runs Moodle's own question importers (GIFT and Moodle XML) outside Moodle, for
// scripts/check_with_moodle.py. Moodle's code is NOT part of this project: the path of a
// Moodle source tree is the first argument. Only the functions and classes those
// importers call are stubbed here, each as little as Moodle's own does to a question's
// meaning (no database, no files, no filters).
//
// Usage: php scripts/moodle_import_harness.php MOODLE_DIR gift|xml FILE
// Prints JSON: {"questions": [...], "errors": [...], "gradeerrors": [...]}.

if ($argc !== 4) {
    fwrite(STDERR, "usage: php moodle_import_harness.php MOODLE_DIR gift|xml FILE\n");
    exit(2);
}
[$_, $moodle, $format, $file] = $argv;

define('MOODLE_INTERNAL', true);
define('FORMAT_MOODLE', 0);
define('FORMAT_HTML', 1);
define('FORMAT_PLAIN', 2);
define('FORMAT_WIKI', 3);
define('FORMAT_MARKDOWN', 4);
define('PARAM_TEXT', 'text');
define('PARAM_TAG', 'tag');
define('PARAM_FILE', 'file');
define('PARAM_RAW', 'raw');
define('DEBUG_DEVELOPER', 32767);
define('MEMORY_EXTRA', -1);

// $CFG->dirroot is a scratch tree: a qtype's import require_once()s its question class
// from there, and gets a class holding only that class's constants (read from Moodle's
// file), not the question engine behind it. Moodle's own files are read from $moodle.
$shadow = sys_get_temp_dir() . '/moodle-harness-' . getmypid();
$CFG = new stdClass();
$CFG->dirroot = $shadow;
$CFG->libdir = $moodle . '/lib';
$USER = (object) ['id' => 1];

/** $OUTPUT: the importers' notifications (warnings to the teacher) are collected. */
class harness_output {
    public function notification($message, $type = '') {
        $GLOBALS['HARNESS_ERRORS'][] = 'notification: ' . strip_tags((string) $message);
        return '';
    }
}
$OUTPUT = new harness_output();

class coding_exception extends Exception {}
class moodle_exception extends Exception {}
class stored_file {}

/** The language string's identifier (and its argument), so errors stay recognisable. */
function get_string($identifier, $component = '', $a = null) {
    if (is_array($a) || is_object($a)) {
        $a = json_encode($a);
    }
    return $a === null ? "[$component:$identifier]" : "[$component:$identifier] $a";
}

/** Moodle's defaults for the two settings the importers read. */
function get_config($plugin, $name = null) {
    $defaults = ['qtype_multichoice' => ['answernumbering' => 'abc'],
                 'quiz' => ['shuffleanswers' => 1]];
    return $defaults[$plugin][$name] ?? false;
}

function s($text) {
    return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
}

function debugging($message = '', $level = 0) {
    $GLOBALS['HARNESS_ERRORS'][] = "debugging: $message";
}

/** PARAM_TEXT keeps text and drops tags (Moodle keeps <lang>/<span lang> multilang tags too). */
function clean_param($value, $type) {
    switch ($type) {
        case PARAM_TEXT:
            return strip_tags((string) $value);
        case PARAM_TAG:
            $value = preg_replace('~[\\x{000a}\\x{000d}\\x{0009}\\x{0000}<>`|\\\\]+~u', '', (string) $value);
            return trim(preg_replace('/\s+/u', ' ', $value));
        case PARAM_FILE:
            return preg_replace('~[[:cntrl:]]|[&<>"`\|\':\\\\/]~u', '', (string) $value);
        default:
            return $value;
    }
}

function shorten_text($text, $ideal = 30) {
    $text = strip_tags((string) $text);
    return mb_strlen($text) <= $ideal ? $text : mb_substr($text, 0, $ideal - 3) . '...';
}

class core_text {
    public static function strlen($text) { return mb_strlen((string) $text, 'UTF-8'); }
    public static function substr($text, $start, $len = null) {
        return mb_substr((string) $text, $start, $len, 'UTF-8');
    }
    public static function strtolower($text) { return mb_strtolower((string) $text, 'UTF-8'); }
    public static function trim_utf8_bom($text) {
        return strpos($text, "\xef\xbb\xbf") === 0 ? substr($text, 3) : $text;
    }
    public static function entities_to_utf8($str, $htmlent = true) {
        return preg_replace_callback('/&#(x[0-9a-f]+|[0-9]+);/i', function ($m) {
            $code = $m[1][0] === 'x' || $m[1][0] === 'X' ? hexdec(substr($m[1], 1)) : (int) $m[1];
            return mb_chr($code, 'UTF-8');
        }, $str);
    }
}

/** Embedded files go to a draft area: here only their names are kept. */
class harness_file_storage {
    public $files = [];
    public function create_file_from_string($record, $content) {
        $this->files[] = $record['filepath'] . $record['filename'];
    }
}
function get_file_storage() {
    static $storage = null;
    return $storage ??= new harness_file_storage();
}
function file_get_unused_draft_itemid() {
    static $next = 0;
    return ++$next;
}
class context_user {
    public static function instance($userid) { return (object) ['id' => 1]; }
}

/** Tags are on in a default Moodle site. */
class core_tag_tag {
    public static function is_enabled($component, $itemtype) { return true; }
}

class core_php_time_limit { public static function raise($n = 0) {} }

/** The question type base class: only what qtype_ordering's import needs. */
class question_type {
    public function name() { return substr(get_class($this), strlen('qtype_')); }
}

/** question_bank: the standard fraction list and the qtypes that import themselves. */
class question_bank {
    private static $qtypes = null;

    public static function get_qtype($name, $mustexist = true) {
        $all = self::get_all_qtypes();
        return $all[$name] ?? null;
    }

    /** Only the ordering qtype (core since Moodle 4.4) imports itself from these formats. */
    public static function get_all_qtypes() {
        global $CFG;
        if (self::$qtypes === null) {
            self::$qtypes = [];
            $ordering = $GLOBALS['moodle'] . '/question/type/ordering';
            if (is_readable("$ordering/questiontype.php")) {
                harness_constants_class('qtype_ordering_question', "$ordering/question.php",
                    "$CFG->dirroot/question/type/ordering/question.php");
                require_once("$ordering/questiontype.php");
                self::$qtypes['ordering'] = new qtype_ordering();
            }
        }
        return self::$qtypes;
    }

    /** question/engine/bank.php's fraction_options_full(), as a list of values. */
    public static function fraction_options_full() {
        $raw = [0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
                0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05];
        $full = ['1.0' => 1.0];
        foreach ($raw as $f) {
            $full[(string) $f] = $f;
        }
        $full['0.0'] = 0.0;
        foreach (array_reverse($raw) as $f) {
            $full[(string) -$f] = -$f;
        }
        $full['-1.0'] = -1.0;
        return $full;
    }
}

/**
 * The class constants of a Moodle class (e.g. qtype_ordering_question::SELECT_ALL) read
 * from its file, without loading the class and the question engine behind it.
 */
function harness_constants_class($class, $path, $stub) {
    $consts = [];
    if (is_readable($path)) {
        preg_match_all('/^\s*(?:public\s+)?const\s+([A-Z_0-9]+)\s*=\s*([^;]+);/m',
            file_get_contents($path), $found, PREG_SET_ORDER);
        foreach ($found as [$_, $name, $value]) {
            $consts[] = "const $name = $value;";
        }
    }
    @mkdir(dirname($stub), 0700, true);
    file_put_contents($stub, "<?php\nclass $class {\n" . implode("\n", $consts) . "\n}\n");
    register_shutdown_function(function () use ($stub) {
        @unlink($stub);
        for ($dir = dirname($stub); strpos($dir, 'moodle-harness-') !== false; $dir = dirname($dir)) {
            @rmdir($dir);
        }
    });
}

/**
 * Cloze (multianswer): the course imports none, so its subquestions are not parsed; the
 * question is read as one 'multianswer' with its text, as Moodle's importer returns it.
 */
function qtype_multianswer_extract_question($text) {
    $question = new stdClass();
    $question->questiontext = $text;
    $question->options = (object) ['questions' => []];
    return $question;
}

function qtype_multianswer_validate_question($question) {
    return [];
}

/** lib/questionlib.php's match_grade_options() with 'error': almost exact, or false. */
function match_grade_options($gradeoptionsfull, $grade, $matchgrades = 'error') {
    foreach ($gradeoptionsfull as $value) {
        if (abs($grade - $value) < 0.00001) {
            return $value;
        }
    }
    return false;
}

$HARNESS_ERRORS = [];
require_once($moodle . '/lib/xmlize.php');
require_once($moodle . '/question/format.php');
if ($format === 'gift') {
    require_once($moodle . '/question/format/gift/format.php');
    $importer = new qformat_gift();
} else if ($format === 'xml') {
    require_once($moodle . '/question/format/xml/format.php');
    $importer = new qformat_xml();
} else {
    fwrite(STDERR, "format must be gift or xml\n");
    exit(2);
}

// What importprocess() does before it saves: readdata(), readquestions(), then the grade
// check of every fraction against the standard list ("stop on error", grades 'error').
$read = function ($method, ...$args) use ($importer) {
    $m = new ReflectionMethod($importer, $method);
    $m->setAccessible(true);
    return $m->invoke($importer, ...$args);
};
ob_start();
$lines = $read('readdata', $file);
$questions = $lines ? $read('readquestions', $lines) : [];
$printed = ob_get_clean();
if (trim($printed) !== '') {
    $HARNESS_ERRORS[] = trim(preg_replace('/\s+/', ' ', strip_tags($printed)));
}

$gradeerrors = [];
$full = question_bank::fraction_options_full();
foreach ($questions ?: [] as $question) {
    if (!empty($question->fraction) && is_array($question->fraction)) {
        foreach ($question->fraction as $fraction) {
            if (match_grade_options($full, $fraction) === false) {
                $gradeerrors[] = ['question' => $question->name, 'grade' => $fraction];
            }
        }
    }
}

echo json_encode(['questions' => $questions ?: [], 'errors' => $HARNESS_ERRORS,
                  'importerrors' => $importer->importerrors, 'gradeerrors' => $gradeerrors],
                 JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES
                 | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
